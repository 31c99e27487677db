/*
 * Error numbers.  Hypervisor functions return 0 or a negative errno; the
 * values are those of Xen's public ABI (the Linux numbering), because
 * hypercalls hand them straight to guests.
 */
#ifndef XENO_ERRNO_H
#define XENO_ERRNO_H

#define EPERM      1
#define ENOENT     2
#define ESRCH      3
#define EINTR      4
#define EIO        5
#define ENXIO      6
#define E2BIG      7
#define ENOEXEC    8
#define EBADF      9
#define EAGAIN    11
#define ENOMEM    12
#define EACCES    13
#define EFAULT    14
#define EBUSY     16
#define EEXIST    17
#define ENODEV    19
#define EINVAL    22
#define ENOSPC    28
#define ERANGE    34
#define ENOSYS    38
#define ENOTEMPTY 39
#define ETIME 62
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ETIMEDOUT 110

#endif /* XENO_ERRNO_H */
