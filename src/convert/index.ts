/** The checkpoint -> model package converter (used by `diffcoder convert` and the test fixtures). */
export { convertCheckpoint, tableFormats, MODEL_FILE, DATA_FILE, TOKENIZER_FILE, MANIFEST_FILE, type ConvertOptions, type WeightFormat } from './convert';
export { ConvertError } from './errors';
export { DEFAULT_VARIANT, LOGITS_KEEP, type GraphVariant } from './llama/graph';
