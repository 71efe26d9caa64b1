-- teledx 0008: live consultations (远程会诊): the request, its answer, the room's stays, the specialist's opinion.

CREATE TABLE "Consultation" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "caseId" TEXT REFERENCES "Case"("id"),
  "requestedById" TEXT NOT NULL REFERENCES "User"("id"),
  "requestingOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "centreId" TEXT NOT NULL REFERENCES "ReadingCentre"("id"),
  "specialistId" TEXT REFERENCES "User"("id"),
  "status" TEXT NOT NULL,
  "topic" TEXT NOT NULL,
  "scheduledAt" TIMESTAMP(3),
  "acceptedAt" TIMESTAMP(3),
  "declineReason" TEXT,
  "startedAt" TIMESTAMP(3),
  "endedAt" TIMESTAMP(3),
  "opinion" TEXT,
  "opinionById" TEXT REFERENCES "User"("id"),
  "opinionAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "Consultation_centreId_status_idx" ON "Consultation"("centreId", "status");
CREATE INDEX "Consultation_requestingOrgId_createdAt_idx" ON "Consultation"("requestingOrgId", "createdAt");
CREATE INDEX "Consultation_caseId_idx" ON "Consultation"("caseId");

CREATE TABLE "ConsultationParticipant" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "consultationId" TEXT NOT NULL REFERENCES "Consultation"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "leftAt" TIMESTAMP(3)
);
CREATE INDEX "ConsultationParticipant_consultationId_idx" ON "ConsultationParticipant"("consultationId");
