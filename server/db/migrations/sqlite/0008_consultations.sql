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
  "scheduledAt" DATETIME,
  "acceptedAt" DATETIME,
  "declineReason" TEXT,
  "startedAt" DATETIME,
  "endedAt" DATETIME,
  "opinion" TEXT,
  "opinionById" TEXT REFERENCES "User"("id"),
  "opinionAt" DATETIME,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" DATETIME NOT NULL
);
CREATE INDEX "Consultation_centreId_status_idx" ON "Consultation"("centreId", "status");
CREATE INDEX "Consultation_requestingOrgId_createdAt_idx" ON "Consultation"("requestingOrgId", "createdAt");
CREATE INDEX "Consultation_caseId_idx" ON "Consultation"("caseId");

CREATE TABLE "ConsultationParticipant" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "consultationId" TEXT NOT NULL REFERENCES "Consultation"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "leftAt" DATETIME
);
CREATE INDEX "ConsultationParticipant_consultationId_idx" ON "ConsultationParticipant"("consultationId");
