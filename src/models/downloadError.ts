/** A download that did not install, and why (the message says what to do next). */
export type DownloadErrorKind =
  /** The caller cancelled; verified files and the partial file stay for the next attempt. */
  | 'cancelled'
  /** A file's bytes do not match the manifest's sha256 or size; that file was removed, nothing installed. */
  | 'integrity'
  /** The manifest is not one (bad JSON, bad paths, bad sizes or hashes). */
  | 'manifest'
  /** The server answered with an error status. */
  | 'http'
  /** The connection failed or broke off more times than allowed; the partial file stays for a resume. */
  | 'network'
  /** A URL or redirect this module will not follow (another host, plain http to a remote host). */
  | 'policy'
  /** Not enough free disk space, the destination is not replaceable, or another download holds it. */
  | 'local';

export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}
