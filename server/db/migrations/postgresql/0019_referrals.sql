-- teledx 0019: two-way referral (双向转诊). The county hospital's departments and their coordinators, the
-- consortium's rules of who refers to whom (and where the green channel goes), the referrals with their booking and
-- door times, the exams that travel with them, and the follow-ups of a patient referred down.

CREATE TABLE "Department" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "organizationId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "active" BOOLEAN NOT NULL DEFAULT true,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Department_code_key" ON "Department"("code");

CREATE TABLE "DepartmentCoordinator" (
  "departmentId" TEXT NOT NULL REFERENCES "Department"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  PRIMARY KEY ("departmentId", "userId")
);
CREATE INDEX "DepartmentCoordinator_userId_idx" ON "DepartmentCoordinator"("userId");

CREATE TABLE "ReferralRule" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "departmentId" TEXT NOT NULL REFERENCES "Department"("id"),
  "direction" TEXT NOT NULL,
  "townshipId" TEXT REFERENCES "Organization"("id"),
  "examKind" TEXT,
  "greenChannel" BOOLEAN NOT NULL DEFAULT false,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "note" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "ReferralRule_direction_active_idx" ON "ReferralRule"("direction", "active");

CREATE TABLE "Referral" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "number" TEXT NOT NULL,
  "direction" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "urgency" TEXT NOT NULL,
  "greenChannel" BOOLEAN NOT NULL DEFAULT false,
  "townshipId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "departmentId" TEXT NOT NULL REFERENCES "Department"("id"),
  "patientId" TEXT NOT NULL REFERENCES "Patient"("id"),
  "caseId" TEXT REFERENCES "Case"("id"),
  "upReferralId" TEXT REFERENCES "Referral"("id"),
  "requestedById" TEXT NOT NULL REFERENCES "User"("id"),
  "reason" TEXT NOT NULL,
  "diagnosis" TEXT NOT NULL,
  "proposedAt" TIMESTAMP(3),
  "answeredById" TEXT REFERENCES "User"("id"),
  "acceptedAt" TIMESTAMP(3),
  "doctorName" TEXT,
  "appointmentAt" TIMESTAMP(3),
  "admission" BOOLEAN NOT NULL DEFAULT false,
  "ward" TEXT,
  "bedNumber" TEXT,
  "answerNote" TEXT,
  "declineReason" TEXT,
  "cancelReason" TEXT,
  "departedAt" TIMESTAMP(3),
  "arrivedAt" TIMESTAMP(3),
  "completedAt" TIMESTAMP(3),
  "completionNote" TEXT,
  "dischargeSummary" TEXT,
  "followUpPlan" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "Referral_number_key" ON "Referral"("number");
CREATE INDEX "Referral_townshipId_createdAt_idx" ON "Referral"("townshipId", "createdAt");
CREATE INDEX "Referral_departmentId_status_idx" ON "Referral"("departmentId", "status");
CREATE INDEX "Referral_caseId_idx" ON "Referral"("caseId");

CREATE TABLE "ReferralAttachment" (
  "referralId" TEXT NOT NULL REFERENCES "Referral"("id"),
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  PRIMARY KEY ("referralId", "caseId")
);
CREATE INDEX "ReferralAttachment_caseId_idx" ON "ReferralAttachment"("caseId");

CREATE TABLE "ReferralFollowUp" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "referralId" TEXT NOT NULL REFERENCES "Referral"("id"),
  "at" TIMESTAMP(3) NOT NULL,
  "note" TEXT NOT NULL,
  "nextAt" TIMESTAMP(3),
  "byId" TEXT NOT NULL REFERENCES "User"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "ReferralFollowUp_referralId_at_idx" ON "ReferralFollowUp"("referralId", "at");

CREATE TABLE "ReferralCounter" (
  "day" TEXT NOT NULL PRIMARY KEY,
  "value" INTEGER NOT NULL
);
