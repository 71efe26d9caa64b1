-- teledx 0003: claiming a case (a reader's lease on it).

ALTER TABLE "Case" ADD COLUMN "claimedById" TEXT REFERENCES "User"("id");
ALTER TABLE "Case" ADD COLUMN "claimedAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "leaseExpiresAt" DATETIME;
CREATE INDEX "Case_status_leaseExpiresAt_idx" ON "Case"("status", "leaseExpiresAt");
