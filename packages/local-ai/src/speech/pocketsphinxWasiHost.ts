// The child process of PocketsphinxWasi: runs the WASI build of pocketsphinx (vendor/pocketsphinx-wasi) on
// this process's stdin and stdout. It is a child, not a worker, because node 20's WASI fast calls can crash
// the whole process once they are optimised; the parent starts this one with --no-turbo-fast-api-calls.
// argv: the model directory (en-us/, en-us.lm.bin, cmudict-en-us.dict) and the folder audio files are in.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

// The project's lib settings carry no WebAssembly types; this is the little that is used.
interface WasmSync {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmSync }).WebAssembly;

const [modelDir, workDir] = process.argv.slice(2);
if (!modelDir || !workDir) {
  process.stdout.write('%%ERROR%% usage: pocketsphinxWasiHost MODEL_DIR WORK_DIR\n');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: ['recognizer', '-hmm', '/model/en-us', '-lm', '/model/en-us.lm.bin', '-dict', '/model/cmudict-en-us.dict'],
  preopens: { '/model': modelDir, '/work': workDir },
  returnOnExit: true,
});
const compiled = new wasm.Module(readFileSync(require.resolve('pocketsphinx-wasi/recognizer.wasm')));
process.exitCode = wasi.start(new wasm.Instance(compiled, wasi.getImportObject()));
