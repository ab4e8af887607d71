/** An error the worker returns as a JSON-RPC error with one of protocol.ts's codes. */
import { ErrorCodes } from './protocol';

export class RequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export const badRequest = (message: string) => new RequestError(ErrorCodes.BadRequest, message);
