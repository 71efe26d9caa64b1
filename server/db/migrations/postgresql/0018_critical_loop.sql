-- teledx 0018: the critical value (危急值) as a closed loop. The township's acknowledgement says who took the call
-- (when not the acknowledging user), what they read back (复述) and what was done; an unacknowledged critical value
-- is escalated once to the township's supervisors and the reading centre.

ALTER TABLE "Case" ADD COLUMN "criticalReceivedBy" TEXT;
ALTER TABLE "Case" ADD COLUMN "criticalReadBack" TEXT;
ALTER TABLE "Case" ADD COLUMN "criticalAction" TEXT;
ALTER TABLE "Case" ADD COLUMN "criticalActionNote" TEXT;
ALTER TABLE "Case" ADD COLUMN "criticalEscalatedAt" TIMESTAMP(3);
CREATE INDEX "Case_criticalFlaggedAt_criticalAckAt_idx" ON "Case"("criticalFlaggedAt", "criticalAckAt");
