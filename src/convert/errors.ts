/** An error in the converter's input (checkpoint, options): the message says exactly what is wrong. */
export class ConvertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvertError';
  }
}
