// The case's other media, shown where they are read rather than only listed: ultrasound clips play inline, photos
// show (click to enlarge), PDFs open in the page; an ECG's XML has no viewer yet and is offered as a download.
// Every file comes from /api/attachments/:id/file (session cookie; Range, so a video can seek).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentDto } from '../../../../shared/api.ts';

const attachmentUrl = (a: AttachmentDto) => `/api/attachments/${encodeURIComponent(a.id)}/file`;

export function CaseMedia({ attachments }: { attachments: readonly AttachmentDto[] }) {
  const { t } = useTranslation();
  if (attachments.length === 0) return null;
  return (
    <section className="card case-media" data-testid="case-media">
      <h2>{t('media.title')}</h2>
      <div className="media-grid">
        {attachments.map((a) => (
          <figure key={a.id} className={`media-item media-${a.kind.toLowerCase()}`}>
            <MediaView attachment={a} />
            <figcaption className="muted small">
              {a.fileName} · {t(`attachmentKind.${a.kind}`)}
            </figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}

function MediaView({ attachment }: { attachment: AttachmentDto }) {
  switch (attachment.kind) {
    case 'VIDEO':
      return <VideoMedia attachment={attachment} />;
    case 'IMAGE':
      return <ImageMedia attachment={attachment} />;
    case 'PDF':
      return <PdfMedia attachment={attachment} />;
    case 'ECG_XML':
      return <DownloadMedia attachment={attachment} />;
  }
}

function VideoMedia({ attachment }: { attachment: AttachmentDto }) {
  // metadata only: a township's clips can be large, and several on one page would all download at once
  return (
    <video controls preload="metadata" src={attachmentUrl(attachment)} data-testid="attachment-video" data-attachment-id={attachment.id} />
  );
}

function ImageMedia({ attachment }: { attachment: AttachmentDto }) {
  const { t } = useTranslation();
  const [enlarged, setEnlarged] = useState(false);
  const image = (
    <img src={attachmentUrl(attachment)} alt={attachment.fileName} data-testid="attachment-image" data-attachment-id={attachment.id} />
  );
  return (
    <>
      <button type="button" className="media-thumb" title={t('media.enlarge')} onClick={() => setEnlarged(true)}>
        {image}
      </button>
      {enlarged && (
        // a click anywhere (or Escape) closes: the photo is all there is to look at
        <div
          className="media-lightbox"
          role="dialog"
          aria-label={attachment.fileName}
          data-testid="attachment-image-enlarged"
          tabIndex={-1}
          ref={(el) => el?.focus()}
          onClick={() => setEnlarged(false)}
          onKeyDown={(e) => e.key === 'Escape' && setEnlarged(false)}
        >
          <img src={attachmentUrl(attachment)} alt={attachment.fileName} />
        </div>
      )}
    </>
  );
}

function PdfMedia({ attachment }: { attachment: AttachmentDto }) {
  const { t } = useTranslation();
  return (
    <>
      <iframe src={attachmentUrl(attachment)} title={attachment.fileName} data-testid="attachment-pdf" data-attachment-id={attachment.id} />
      <a href={attachmentUrl(attachment)} target="_blank" rel="noreferrer">
        {t('media.openPdf')}
      </a>
    </>
  );
}

function DownloadMedia({ attachment }: { attachment: AttachmentDto }) {
  const { t } = useTranslation();
  return (
    <a href={attachmentUrl(attachment)} download={attachment.fileName} data-testid="attachment-download" data-attachment-id={attachment.id}>
      {t('media.download')}
    </a>
  );
}
