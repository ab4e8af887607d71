/**
 * The `diffcoder` command line (bundled to dist/cli.js, run by bin/diffcoder). Every command drives the
 * same worker process the editor uses (src/client/engineClient.ts).
 */
import { ResponseError } from 'vscode-jsonrpc';
import { bench } from './cli/bench';
import { benchDecode } from './cli/benchDecode';
import { complete, edit, evalTasks, fill } from './cli/commands';
import { check, convert, download } from './cli/models';
import { UsageError } from './cli/options';
import { ErrorCodes } from './engine/protocol';

const USAGE = `usage: diffcoder <command> [options]

commands:
  complete FILE --at LINE:COL [--multiline auto|always|never] [--min-line-confidence P] [--raw]
           [--other FILE]... [--other-files-tokens N]
                                                complete the code at the cursor (1-based line and column), as
                                                the editor shows it: nothing inside a word, one line mid-line
                                                (--multiline, as the setting), filtered, lines the model is
                                                less sure of than P left out (default: the package's floor;
                                                0: every line) (--raw: as the model said it); --other: files
                                                worked in lately, whose code most like the cursor's goes into
                                                the prompt (up to N tokens, default 256, 0: none)
  fill FILE [--write] [--raw] [--other FILE]... [--other-files-tokens N]
                                                fill hole markers: a line holding only <FILL>, # FILL or
                                                // FILL, or /*FILL*/ or <FILL> inside a line; each hole
                                                sees what a completion there would (--other: as complete)
  edit FILE --lines A-B --instruction TEXT [--raw]
                                                rewrite lines A..B as instructed; prints them as the
                                                editor's proposal would leave them (an answer cut short
                                                keeps the lines it never reached) (--raw: as the model
                                                said it)
  eval TASKS.jsonl --task infill|edit [--single-line | --as-editor [--multiline M] [--min-line-confidence P]]
                                                {"task_id","prefix","suffix"} or {"task_id","code","instruction"}
                                                per line -> {"task_id","completion"} per line on stdout (with
                                                "line_confidence": how sure the model was of each line); with
                                                --as-editor, what the editor would show (as complete does;
                                                a task's "path", "lang" and "others": [{"path","text","lang"}] are
                                                its file and the files worked in lately; --other-files-tokens;
                                                edits: the proposal taken whole, as edit prints it)
  convert CHECKPOINT_DIR OUT_DIR [--weights int8|int4|fp16|fp32] [--head F] [--embeddings F] [--name N]
          [--int8 dynamic|nbits]                make a model package from a Hugging Face Llama checkpoint
                                                (GPU: --weights int4 --head int4; int8 as nbits: the
                                                same answer whatever else a pass holds, slower on a CPU;
                                                see src/convert/README.md)
  download URL|MODEL_ID [DEST_DIR] [--base-url URL] [--list]
                                                fetch a model package listed by a manifest (its
                                                diffcoder.json); resumes an interrupted download; verifies
                                                every file's sha256; installs whole or not at all
  check MODEL_DIR                               check a package as the engine does before loading it
  bench-decode [--providers a,b] [--prompts N] [--prompt-tokens P] [--new-tokens G] [--checkpoint DIR]
               [--python-device cpu|cuda|auto] [--python-dtype fp32|bf16] [--out FILE]
                                                one workload through each provider separately and the
                                                PyTorch reference: tokens/s, tokens/forward, memory
  bench [--contexts N] [--typing K] [--checkpoint DIR] [--no-python]
                                                completion latency, tokens/s, KV reuse, threshold vs one
                                                token per step, prompt lookup on edits, memory; python
                                                reference where installed

options (every command):
  --model DIR          model package (default: the bundled media/models/diffcoder-small)
  --mode threshold|fixed   --threshold T   --steps N (fixed: passes per block)   --temperature T   --seed N
  --prompt-lookup on|off   threshold mode: commit what continues a stretch of the prompt (default on)
  --heal-prefix on|off completions and fills at the end of a word: the prompt ends before the word's last
                       token and the answer starts by spelling it out (default: the package's, else on)
  --drafts N           greedy decoding: each pass also runs N drafted states of the block (the same answer in
                       fewer passes; default: the package's decoding.draftStates, else 0)
  --max-tokens N       answer budget
  --providers a,b      execution providers to try in order (auto, cuda, dml, webgpu, coreml, cpu); default auto:
                       this platform's GPU providers, then cpu (the last resort); the device used is in --json
  --threads N          intra-op threads (0: onnxruntime decides)
  --json               machine-readable output     --verbose   engine log on stderr
`;

const commands: Record<string, (argv: string[]) => Promise<void>> = { complete, fill, edit, eval: evalTasks, convert, download, check, bench, 'bench-decode': benchDecode };

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`diffcoder: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    await command(rest);
    return 0;
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`diffcoder: ${e.message}\n(diffcoder --help for usage)\n`);
    return 2;
  }
  if (e instanceof ResponseError) {
    const what = e.code === ErrorCodes.BadPackage ? '' : e.code === ErrorCodes.BadRequest ? 'bad request: ' : '';
    process.stderr.write(`diffcoder: ${what}${e.message}\n`);
    return 1;
  }
  const err = e as Error;
  process.stderr.write(`diffcoder: ${err?.name === 'ConvertError' ? '' : ''}${err?.message ?? String(e)}\n`);
  if (process.env.DIFFCODER_DEBUG && err?.stack) process.stderr.write(err.stack + '\n');
  return 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
