/**
 * The CLI's synchronous file access, from the runtime's own API: Deno's
 * `Deno.*` file functions on Deno, `node:fs` (looked up with
 * `process.getBuiltinModule`) on Bun and Node. On Deno, loading `node:fs`
 * and the Node compatibility layer behind it costs more start-up time than a
 * whole offline verification. Errors keep the runtime's `code` (`ENOENT`,
 * `EISDIR`, …) and Deno's permission errors their name (`NotCapable`).
 *
 * @example
 * ```ts
 * import { fileSystem } from "./_file_system.ts";
 * const fs = fileSystem();
 * fs.stat("README.md").isFile; // true
 * ```
 *
 * @module
 */

/** What `stat` tells (symbolic links followed). */
export interface FileInfo {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly size: number;
}

/** An open file, read from its current position. */
export interface OpenFile {
  /** Reads into `buffer`; returns the count of bytes read, 0 at the end. */
  read(buffer: Uint8Array): number;
  /** The same, off the main thread (so the caller can work while the read runs). */
  readAsync(buffer: Uint8Array): Promise<number>;
  close(): void;
}

/** The file operations the CLI uses. */
export interface FileSystem {
  stat(path: string): FileInfo;
  open(path: string): OpenFile;
  readFile(path: string): Uint8Array;
}

interface DenoFs {
  statSync(path: string): { isFile: boolean; isDirectory: boolean; size: number };
  openSync(
    path: string,
    options: { read: true },
  ): {
    readSync(buffer: Uint8Array): number | null;
    read(buffer: Uint8Array): Promise<number | null>;
    close(): void;
  };
  readFileSync(path: string): Uint8Array;
}

interface NodeFs {
  statSync(path: string): { isFile(): boolean; isDirectory(): boolean; size: number };
  openSync(path: string, flags: "r"): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: null,
    callback: (error: Error | null, bytesRead: number) => void,
  ): void;
  closeSync(fd: number): void;
  readFileSync(path: string): Uint8Array;
}

function denoFileSystem(deno: DenoFs): FileSystem {
  return {
    stat: (path) => {
      const s = deno.statSync(path);
      return { isFile: s.isFile, isDirectory: s.isDirectory, size: s.size };
    },
    open: (path) => {
      const file = deno.openSync(path, { read: true });
      return {
        read: (buffer) => file.readSync(buffer) ?? 0,
        readAsync: async (buffer) => (await file.read(buffer)) ?? 0,
        close: () => file.close(),
      };
    },
    readFile: (path) => deno.readFileSync(path),
  };
}

function nodeFileSystem(fs: NodeFs): FileSystem {
  return {
    stat: (path) => {
      const s = fs.statSync(path);
      return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size };
    },
    open: (path) => {
      const fd = fs.openSync(path, "r");
      return {
        read: (buffer) => fs.readSync(fd, buffer, 0, buffer.length, null),
        readAsync: (buffer) =>
          new Promise((resolve, reject) =>
            fs.read(fd, buffer, 0, buffer.length, null, (error, n) => error ? reject(error) : resolve(n))
          ),
        close: () => fs.closeSync(fd),
      };
    },
    readFile: (path) => {
      const b = fs.readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // a view, not a copy
    },
  };
}

let chosen: FileSystem | undefined;

/** The runtime's file system (Deno's own API on Deno, `node:fs` elsewhere). */
export function fileSystem(): FileSystem {
  if (chosen === undefined) {
    const g = globalThis as { Deno?: DenoFs; process?: { getBuiltinModule(id: string): unknown } };
    chosen = g.Deno !== undefined
      ? denoFileSystem(g.Deno)
      : nodeFileSystem(g.process!.getBuiltinModule("node:fs") as NodeFs);
  }
  return chosen;
}
