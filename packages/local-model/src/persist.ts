import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeLocalModel } from './decode-model.js';
import { LocalModelFileError } from './errors.js';
import type { LocalModelFile } from './model-file.js';
import type { LocalModel } from './types.js';

/**
 * Writes the model file atomically (temporary file, then rename): a classifier watching the path
 * for hot reload never reads a half-written model.
 */
export async function saveLocalModel(path: string, file: LocalModelFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(file)}\n`);
  await rename(tmp, path);
}

/** Reads and validates a model file; any problem is a LocalModelFileError naming the file and what is wrong. */
export async function loadLocalModel(path: string): Promise<LocalModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new LocalModelFileError(path, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  return parseLocalModel(bytes, path);
}

/** Validates a model file given as JSON text, its bytes, or the already-parsed object. */
export function parseLocalModel(input: string | Uint8Array | LocalModelFile, source = 'input'): LocalModel {
  let data: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text =
      typeof input === 'string'
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    if (!text.trim()) throw new LocalModelFileError(source, 'is empty');
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new LocalModelFileError(source, `is not valid JSON, perhaps truncated (${(err as Error).message})`, {
        cause: err,
      });
    }
  }
  return decodeLocalModel(data, source);
}
