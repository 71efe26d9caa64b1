-- teledx 0007: automatic ECG analyses (one per ECG file: a DICOM waveform instance or an HL7 aECG attachment)
-- and the structured ECG fields of a report.

CREATE TABLE "EcgAnalysis" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  "instanceId" TEXT REFERENCES "Instance"("id"),
  "attachmentId" TEXT REFERENCES "Attachment"("id"),
  "sampleRateHz" DOUBLE PRECISION,
  "durationMs" DOUBLE PRECISION,
  "leads" TEXT,
  "measurements" TEXT,
  "errorCode" TEXT,
  "errorMessage" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "EcgAnalysis_instanceId_key" ON "EcgAnalysis"("instanceId");
CREATE UNIQUE INDEX "EcgAnalysis_attachmentId_key" ON "EcgAnalysis"("attachmentId");
CREATE INDEX "EcgAnalysis_caseId_idx" ON "EcgAnalysis"("caseId");

ALTER TABLE "Report" ADD COLUMN "ecgFields" TEXT;
