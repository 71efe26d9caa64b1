// Turning what the user picked or dropped into a flat list of files with their paths inside the chosen folder.
export interface PickedFile {
  file: File;
  /** path relative to the dropped or chosen folder, or just the name; sent as the multipart filename */
  path: string;
}

/** Explorer and Finder droppings that are never part of an exam. */
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);

export function isIgnorable(path: string): boolean {
  const segments = path.split('/');
  const name = segments.at(-1) ?? '';
  return segments.some((s) => s.startsWith('.')) || SYSTEM_FILES.has(name.toLowerCase()) || segments.includes('__MACOSX');
}

export function fromFileList(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * Files and whole folders dropped on the page. The entries must be taken from the DataTransfer synchronously,
 * inside the drop event: the browser empties it once the handler returns.
 */
export function fromDrop(dataTransfer: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dataTransfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return Promise.resolve(fromFileList(dataTransfer.files));
  return Promise.all(entries.map(walk)).then((lists) => lists.flat());
}

async function walk(entry: FileSystemEntry): Promise<PickedFile[]> {
  if (isFileEntry(entry)) {
    const file = await new Promise<File>((resolve, reject) => entry.file(resolve, reject));
    return [{ file, path: entry.fullPath.replace(/^\//, '') }];
  }
  if (isDirectoryEntry(entry)) {
    const children = await readAllEntries(entry.createReader());
    return (await Promise.all(children.map(walk))).flat();
  }
  return [];
}

/** readEntries answers in batches (100 at a time in Chromium) until it returns an empty one. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

const isFileEntry = (e: FileSystemEntry): e is FileSystemFileEntry => e.isFile;
const isDirectoryEntry = (e: FileSystemEntry): e is FileSystemDirectoryEntry => e.isDirectory;
