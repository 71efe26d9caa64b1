import { useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fromDrop, fromFileList, type PickedFile } from './collect-files.ts';

declare module 'react' {
  // Chromium, Firefox and Safari all support choosing a folder, but React's types do not list the attribute.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a merged declaration must repeat React's type parameter
  interface InputHTMLAttributes<T> {
    webkitdirectory?: '';
  }
}

/** Drop files or folders, or pick them; every route ends in onFiles with paths relative to what was chosen. */
export function DropZone({ onFiles }: { onFiles: (files: PickedFile[]) => void }) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);
  const [reading, setReading] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const dragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    setReading(true);
    fromDrop(e.dataTransfer)
      .then(onFiles)
      .finally(() => setReading(false));
  };
  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    onFiles(fromFileList(e.target.files));
    e.target.value = ''; // so that choosing the same files again is noticed
  };

  return (
    <div
      className={`drop-zone${over ? ' drop-zone-over' : ''}`}
      data-testid="drop-zone"
      onDragOver={dragOver}
      onDragEnter={dragOver}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <p className="drop-title">{reading ? t('upload.reading') : t('upload.dropHere')}</p>
      <p className="drop-actions">
        <span className="muted">{t('upload.or')}</span>
        <button type="button" onClick={() => filesInput.current?.click()}>
          {t('upload.chooseFiles')}
        </button>
        <button type="button" onClick={() => folderInput.current?.click()}>
          {t('upload.chooseFolder')}
        </button>
      </p>
      <p className="muted small">{t('upload.accepts')}</p>
      <input ref={filesInput} type="file" multiple hidden data-testid="file-input" onChange={picked} />
      <input ref={folderInput} type="file" multiple hidden webkitdirectory="" data-testid="folder-input" onChange={picked} />
    </div>
  );
}
