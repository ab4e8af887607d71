/** Line breaks to '\n' (the editor converts to the document's own), and no mask/special leftovers. */
import type { Filter } from './types';

export const normalizeText: Filter = (c) => ({ ...c, text: c.text.replace(/\r\n?/g, '\n') });
