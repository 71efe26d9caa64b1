-- teledx 0021: indexes for the county's dashboard (server/dashboard/). Its figures are GROUP BYs over the cases
-- signed in a period and the consultations held in it; these indexes hold every column those queries read, so
-- a year of a county's cases is counted from the index alone.

-- volumes (per township and exam kind) and quality (returns, critical values) of the cases signed in a period
CREATE INDEX "Case_dashboard_signed_idx" ON "Case"("signedAt", "originOrgId", "examKind", "centreId", "returnCount", "criticalFlaggedAt");
-- turnaround and SLA compliance per centre and priority
CREATE INDEX "Case_dashboard_turnaround_idx" ON "Case"("signedAt", "centreId", "priority", "examKind", "submittedAt", "firstClaimedAt");
-- consultations held in a period
CREATE INDEX "Consultation_endedAt_idx" ON "Consultation"("endedAt", "status", "requestingOrgId", "centreId");
