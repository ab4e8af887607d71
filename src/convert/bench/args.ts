/** Command-line values of the bench scripts here: `--name value`, else the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** A comma-separated list of numbers. */
export const list = (s: string) => s.split(',').map(Number);
