-- teledx 0024: joint teleconsultations (远程联合会诊): the further county specialists a consultation's lead
-- specialist (or the centre's supervisor) invites into its room. One row per consultation and invitee.

CREATE TABLE "ConsultationInvitation" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "consultationId" TEXT NOT NULL REFERENCES "Consultation"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "invitedById" TEXT NOT NULL REFERENCES "User"("id"),
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "ConsultationInvitation_consultationId_userId_key" ON "ConsultationInvitation"("consultationId", "userId");
CREATE INDEX "ConsultationInvitation_userId_idx" ON "ConsultationInvitation"("userId");
