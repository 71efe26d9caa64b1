-- teledx 0014: the HIS outbox. One row per signed or amended report to deliver to the hospital information system
-- (FHIR), written in the signature's transaction; server/fhir/outbox.ts claims rows with a lease and retries them.

CREATE TABLE "HisDelivery" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  "reportId" TEXT NOT NULL REFERENCES "Report"("id"),
  "event" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "leaseOwner" TEXT,
  "leaseUntil" DATETIME,
  "lastHttpStatus" INTEGER,
  "lastError" TEXT,
  "deliveredAt" DATETIME,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "HisDelivery_status_nextAttemptAt_idx" ON "HisDelivery"("status", "nextAttemptAt");
CREATE INDEX "HisDelivery_caseId_idx" ON "HisDelivery"("caseId");
