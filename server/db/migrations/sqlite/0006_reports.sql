-- teledx 0006: reports (versions, signing, amendments), critical findings, returns for quality, turnaround.

ALTER TABLE "Case" ADD COLUMN "firstClaimedAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "signedAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "criticalFlaggedAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "criticalAckAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "criticalAckById" TEXT REFERENCES "User"("id");
ALTER TABLE "Case" ADD COLUMN "returnCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Case" ADD COLUMN "returnedAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "returnCodes" TEXT;
ALTER TABLE "Case" ADD COLUMN "returnNote" TEXT;

CREATE TABLE "Report" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  "version" INTEGER NOT NULL,
  "status" TEXT NOT NULL,
  "templateId" TEXT NOT NULL,
  "findings" TEXT NOT NULL,
  "impression" TEXT NOT NULL,
  "criticalFinding" BOOLEAN NOT NULL DEFAULT false,
  "keyImageIds" TEXT NOT NULL,
  "authorId" TEXT NOT NULL REFERENCES "User"("id"),
  "signedById" TEXT REFERENCES "User"("id"),
  "signedAt" DATETIME,
  "amendmentReason" TEXT,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "Report_caseId_version_key" ON "Report"("caseId", "version");
