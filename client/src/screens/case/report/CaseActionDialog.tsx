// The shape of the report's one-step dialogs (acknowledge a critical value, return to the writer, return for a
// retake): a ConfirmDialog whose confirmation is one API move on the case, answered with the case as it now is,
// and whose failure is shown as the API's error.
import type { ReactNode } from 'react';
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** What the screens hand each of these dialogs: the case, and what to do once it moved or the user gave up. */
export interface CaseActionDialogProps {
  caseId: string;
  onDone: (kase: CaseDetailDto) => void;
  onCancel: () => void;
}

export function CaseActionDialog({
  title,
  canConfirm,
  act,
  onDone,
  onCancel,
  labels,
  testIds,
  children,
}: Omit<CaseActionDialogProps, 'caseId'> & {
  title: string;
  canConfirm: boolean;
  /** the move, answered with the case */
  act: () => Promise<CaseDetailDto>;
  labels: { cancel: string; confirm: string; pending: string };
  testIds?: { form?: string; confirm?: string };
  children: ReactNode;
}) {
  return (
    <ConfirmDialog
      title={title}
      canConfirm={canConfirm}
      onConfirm={async () => onDone(await act())}
      onCancel={onCancel}
      labels={labels}
      testIds={testIds}
      renderError={(error) => <ErrorMessage error={error} />}
    >
      {children}
    </ConfirmDialog>
  );
}
