import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as tfjsVersion } from '@tensorflow/tfjs';

/** What a study ran on, recorded when it runs (`letters report` may run later, on other versions). */
export interface StudyEnvironment {
  readonly node: string;
  readonly platform: string;
  readonly tfjs: string;
  readonly onnxruntimeNode: string;
  readonly onnxruntimeWeb: string;
  readonly command: string;
}

export function studyEnvironment(): StudyEnvironment {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    tfjs: tfjsVersion.tfjs,
    onnxruntimeNode: packageVersion('onnxruntime-node'),
    onnxruntimeWeb: packageVersion('onnxruntime-web'),
    command: `letters ${process.argv.slice(2).join(' ')}`,
  };
}

/** An installed package's version, found from its entry point (some packages do not export package.json). */
function packageVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name: found, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
      if (found === name) return version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
