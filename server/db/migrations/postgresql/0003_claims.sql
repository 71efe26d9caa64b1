-- teledx 0003: claiming a case (a reader's lease on it).

ALTER TABLE "Case" ADD COLUMN "claimedById" TEXT REFERENCES "User"("id");
ALTER TABLE "Case" ADD COLUMN "claimedAt" TIMESTAMP(3);
ALTER TABLE "Case" ADD COLUMN "leaseExpiresAt" TIMESTAMP(3);
CREATE INDEX "Case_status_leaseExpiresAt_idx" ON "Case"("status", "leaseExpiresAt");
