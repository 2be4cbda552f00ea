import { fromBuffer, type Entry } from 'yauzl';

/** One file read back from a zip, with the metadata the build pins. */
export interface ZipFileEntry {
  name: string;
  data: Buffer;
  /** The entry's modification time as yauzl reads it (local time from the DOS fields). */
  mtime: Date;
  /** Unix mode from the external attributes. */
  mode: number;
}

/** Reads every entry of a zip, in order, with yauzl (a real unzip, so a malformed zip fails here). */
export function readZip(zip: Buffer): Promise<ZipFileEntry[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (openError, zipfile) => {
      if (openError) return reject(openError);
      const entries: ZipFileEntry[] = [];
      zipfile.on('error', reject);
      zipfile.on('end', () => resolve(entries));
      zipfile.on('entry', (entry: Entry) => {
        zipfile.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              data: Buffer.concat(chunks),
              mtime: entry.getLastModDate(),
              mode: entry.externalFileAttributes >>> 16,
            });
            zipfile.readEntry();
          });
        });
      });
      zipfile.readEntry();
    });
  });
}
