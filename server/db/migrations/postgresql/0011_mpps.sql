-- teledx 0011: DICOM MPPS. The procedure steps devices report (N-CREATE/N-SET), the case's "images complete"
-- moment (a COMPLETED step), and the township setting that also submits the case then.

ALTER TABLE "Organization" ADD COLUMN "mppsAutoSubmit" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Case" ADD COLUMN "imagesCompleteAt" TIMESTAMP(3);

CREATE TABLE "PerformedProcedureStep" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "sopInstanceUid" TEXT NOT NULL,
  "deviceId" TEXT NOT NULL REFERENCES "DicomDevice"("id"),
  "caseId" TEXT REFERENCES "Case"("id"),
  "status" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "PerformedProcedureStep_sopInstanceUid_key" ON "PerformedProcedureStep"("sopInstanceUid");
CREATE INDEX "PerformedProcedureStep_caseId_idx" ON "PerformedProcedureStep"("caseId");
