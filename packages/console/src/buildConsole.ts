// Bundles the console page (packages/console/web) into packages/console/dist/src/public with esbuild: one
// script, one stylesheet and the page, so the console needs no CDN and works offline. Run by `npm run build`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export async function buildConsole(
  source = resolve(__dirname, '..', '..', 'web'),
  out = resolve(__dirname, 'public'),
): Promise<void> {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(source, 'main.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(out, 'app.js'),
    logLevel: 'warning',
  });
  // The microphone's worklet runs on the audio thread as its own module, loaded by URL.
  for (const file of ['index.html', 'styles.css', 'micWorklet.js']) copyFileSync(join(source, file), join(out, file));
}

if (require.main === module) {
  buildConsole().catch((error: Error) => {
    console.error(`Could not bundle the console: ${error.message}`);
    process.exit(1);
  });
}
