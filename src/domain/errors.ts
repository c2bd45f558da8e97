/**
 * The one error type of the product. Every failure that reaches a caller is an AppError: a stable
 * UPPER_SNAKE code, the HTTP status it maps to, a message safe to show, and for validation the
 * list of problems with their path (row and field). Messages never carry database text.
 */
export interface Problem {
  /** Where the problem is: e.g. ['body', 3, 'sentiment'] for row 3's sentiment field. */
  path: (string | number)[];
  message: string;
  code?: string;
}

export interface AppErrorOptions {
  problems?: Problem[];
  retriable?: boolean;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problems: Problem[];
  readonly retriable: boolean;

  constructor(code: string, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.problems = options.problems ?? [];
    this.retriable = options.retriable ?? false;
  }
}

export const validationError = (message: string, problems: Problem[]): AppError =>
  new AppError('VALIDATION_FAILED', 400, message, { problems });

export const notFound = (what: string, id: string): AppError =>
  new AppError('NOT_FOUND', 404, `${what} '${id}' does not exist`);

export const conflict = (code: string, message: string): AppError => new AppError(code, 409, message);

export const databaseUnavailable = (cause?: unknown): AppError =>
  new AppError('DATABASE_UNAVAILABLE', 503, 'The database is not reachable right now; try again shortly', {
    retriable: true,
    cause,
  });
