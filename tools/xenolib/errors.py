"""Exceptions the CLI turns into one line on stderr and an exit status."""

# Exit statuses shared by every subcommand (docs/testing.md lists them).
EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_PANIC = 2
EXIT_NO_VERDICT = 3
EXIT_TOOL_ERROR = 4      # the tool could not do its job: build failed, package missing...
EXIT_USAGE = 64          # bad command line (BSD sysexits EX_USAGE)
EXIT_INTERRUPTED = 130   # Ctrl-C, as a shell reports SIGINT


class XenoError(Exception):
    """A failure the user can act on; the message is printed as one line."""

    exit_code = EXIT_TOOL_ERROR


class UsageError(XenoError):
    """The command line asked for something impossible or unknown."""

    exit_code = EXIT_USAGE
