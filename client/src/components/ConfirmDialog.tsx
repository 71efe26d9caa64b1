// A modal form that confirms one action (sign with the password, return for a retake, decline a consultation):
// a title, the fields, an error line, and cancel / confirm buttons. It runs `onConfirm` one at a time; while it
// runs nothing can be cancelled; when it fails the error stays on screen (and `onFailed` hears it, e.g. to clear a
// wrong password). On success the caller closes the dialog.
import { useState, type ReactNode } from 'react';

export interface ConfirmState {
  pending: boolean;
  /** the last failure, until the next attempt */
  error: unknown;
}

export function ConfirmDialog({
  title,
  canConfirm,
  onConfirm,
  onFailed,
  onCancel,
  labels,
  renderError,
  testIds = {},
  children,
}: {
  title: string;
  /** the fields are filled in enough to try */
  canConfirm: boolean;
  onConfirm: () => Promise<void>;
  onFailed?: (error: unknown) => void;
  onCancel: () => void;
  labels: { cancel: string; confirm: string; pending: string };
  renderError: (error: unknown) => ReactNode;
  testIds?: { form?: string; confirm?: string };
  children: ReactNode | ((state: ConfirmState) => ReactNode);
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (e) {
      setError(e);
      setPending(false);
      onFailed?.(e);
    }
  };

  return (
    <div className="modal-backdrop">
      <form
        className="modal card"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testIds.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (canConfirm && !pending) void confirm();
        }}
        onKeyDown={(e) => e.key === 'Escape' && !pending && onCancel()}
      >
        <h2>{title}</h2>
        {typeof children === 'function' ? children({ pending, error }) : children}
        {error !== undefined && renderError(error)}
        <div className="form-actions">
          <button type="button" disabled={pending} onClick={onCancel}>
            {labels.cancel}
          </button>
          <button type="submit" className="button-primary" disabled={pending || !canConfirm} data-testid={testIds.confirm}>
            {pending ? labels.pending : labels.confirm}
          </button>
        </div>
      </form>
    </div>
  );
}
