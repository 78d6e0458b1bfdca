/** Bad arguments: exit status 2, with a pointer to the help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly helpTopic?: string) {
    super(message);
  }
}

/** Anything else that stops a command (server answers, unreadable files...): exit status 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
