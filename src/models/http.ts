/**
 * The only way src/models/ talks to the network: GET requests to the one origin the user configured.
 * Redirects are followed only within that origin (a redirect to any other host is refused, not
 * followed), plain http only to this machine (loopback), no cookies, no credentials, nothing sent but
 * the request line and a few fixed headers. Node's http/https modules: inside VS Code they pick up the
 * user's proxy settings.
 */
import * as http from 'http';
import * as https from 'https';
import { DownloadError } from './downloadError';

export interface GetOptions {
  /** The only origin (scheme://host:port) requests may go to. */
  origin: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** No byte for this long: the request fails (a stalled connection). */
  idleTimeoutMs: number;
  /** Sees every request before it is sent (tests, logs). */
  onRequest?: (url: URL, headers: Record<string, string>) => void;
}

const MAX_REDIRECTS = 5;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A URL this module may fetch from at all: https, or http to this machine. */
export function checkUrl(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DownloadError('policy', `${JSON.stringify(String(raw))} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new DownloadError('policy', `${url.href}: only https URLs are fetched (plain http only from this machine); the sha256 checks need a manifest that arrived untampered`);
  }
  if (url.username || url.password) throw new DownloadError('policy', `${url.origin}: credentials in the URL are not sent; use a URL without them`);
  return url;
}

/** GET `url`; resolves with the response once its headers arrived (the caller reads or destroys it). */
export async function get(url: URL, o: GetOptions): Promise<http.IncomingMessage> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.origin !== o.origin) {
      throw new DownloadError('policy', `not fetching ${current.href}: it is not on ${o.origin}, the only host DiffCoder was told to use`);
    }
    const res = await once(current, o);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      const next = new URL(res.headers.location, current);
      if (next.origin !== o.origin) {
        throw new DownloadError('policy', `${current.href} redirects to ${next.origin}; DiffCoder only fetches from ${o.origin} (give the final URL instead if you trust that host)`);
      }
      current = next;
      continue;
    }
    return res;
  }
  throw new DownloadError('http', `${url.href}: more than ${MAX_REDIRECTS} redirects`);
}

function once(url: URL, o: GetOptions): Promise<http.IncomingMessage> {
  const headers = { 'accept-encoding': 'identity', 'user-agent': 'diffcoder', ...(o.headers ?? {}) };
  o.onRequest?.(url, headers);
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new DownloadError('cancelled', 'download cancelled'));
    const req = mod.request(url, { method: 'GET', headers, signal: o.signal }, resolve);
    // The socket's idle timer runs through the body too: a stall destroys the request, and the
    // response being read ends early (the caller sees too few bytes).
    req.setTimeout(o.idleTimeoutMs, () => req.destroy(new DownloadError('network', `${url.origin}: no answer for ${o.idleTimeoutMs / 1000} s`)));
    req.on('error', (e) => {
      if (o.signal?.aborted) reject(new DownloadError('cancelled', 'download cancelled'));
      else reject(e instanceof DownloadError ? e : new DownloadError('network', `${url.origin}: ${(e as Error).message}`));
    });
    req.end();
  });
}
