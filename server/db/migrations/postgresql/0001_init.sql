-- teledx 0001: initial schema (consortium, accounts, patients, cases, DICOM index, attachments, audit).
-- Kept in step with server/db/schema.prisma by tests/db/schema-agreement.test.ts.

CREATE TABLE "Organization" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "parentId" TEXT REFERENCES "Organization"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Organization_code_key" ON "Organization"("code");

CREATE TABLE "ReadingCentre" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "hospitalId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "examKinds" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "ReadingCentre_code_key" ON "ReadingCentre"("code");

CREATE TABLE "User" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "username" TEXT NOT NULL,
  "displayName" TEXT NOT NULL,
  "passwordHash" TEXT NOT NULL,
  "role" TEXT NOT NULL,
  "organizationId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "canSign" BOOLEAN NOT NULL DEFAULT false,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

CREATE TABLE "CentreMembership" (
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "centreId" TEXT NOT NULL REFERENCES "ReadingCentre"("id"),
  PRIMARY KEY ("userId", "centreId")
);

CREATE TABLE "Session" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expiresAt" TIMESTAMP(3) NOT NULL,
  "ip" TEXT,
  "userAgent" TEXT
);
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

CREATE TABLE "Patient" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "sex" TEXT NOT NULL,
  "birthDate" TEXT,
  "nationalId" TEXT,
  "phone" TEXT,
  "organizationId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Patient_nationalId_key" ON "Patient"("nationalId");

CREATE TABLE "Case" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "patientId" TEXT NOT NULL REFERENCES "Patient"("id"),
  "originOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "createdById" TEXT NOT NULL REFERENCES "User"("id"),
  "examKind" TEXT NOT NULL,
  "bodyPart" TEXT,
  "clinicalQuestion" TEXT,
  "priority" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "centreId" TEXT REFERENCES "ReadingCentre"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  "submittedAt" TIMESTAMP(3)
);
CREATE INDEX "Case_originOrgId_createdAt_idx" ON "Case"("originOrgId", "createdAt");
CREATE INDEX "Case_status_idx" ON "Case"("status");
CREATE INDEX "Case_centreId_status_idx" ON "Case"("centreId", "status");

CREATE TABLE "Study" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  "studyInstanceUid" TEXT NOT NULL,
  "studyDate" TEXT,
  "studyDescription" TEXT,
  "accessionNumber" TEXT,
  "dicomPatientName" TEXT,
  "dicomPatientId" TEXT,
  "dicomPatientSex" TEXT,
  "dicomBirthDate" TEXT,
  "demographicsMismatch" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Study_caseId_studyInstanceUid_key" ON "Study"("caseId", "studyInstanceUid");

CREATE TABLE "Series" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "studyId" TEXT NOT NULL REFERENCES "Study"("id"),
  "seriesInstanceUid" TEXT NOT NULL,
  "modality" TEXT,
  "seriesNumber" INTEGER,
  "seriesDescription" TEXT,
  "bodyPart" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Series_studyId_seriesInstanceUid_key" ON "Series"("studyId", "seriesInstanceUid");

CREATE TABLE "Instance" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "seriesId" TEXT NOT NULL REFERENCES "Series"("id"),
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  "sopInstanceUid" TEXT NOT NULL,
  "sopClassUid" TEXT NOT NULL,
  "instanceNumber" INTEGER,
  "transferSyntaxUid" TEXT NOT NULL,
  "rows" INTEGER,
  "columns" INTEGER,
  "frames" INTEGER,
  "byteSize" BIGINT NOT NULL,
  "sha256" TEXT NOT NULL,
  "storageKey" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Instance_sopInstanceUid_key" ON "Instance"("sopInstanceUid");
CREATE INDEX "Instance_seriesId_idx" ON "Instance"("seriesId");
CREATE INDEX "Instance_caseId_idx" ON "Instance"("caseId");

CREATE TABLE "Attachment" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "caseId" TEXT NOT NULL REFERENCES "Case"("id"),
  "fileName" TEXT NOT NULL,
  "mediaType" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "byteSize" BIGINT NOT NULL,
  "sha256" TEXT NOT NULL,
  "storageKey" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Attachment_caseId_sha256_key" ON "Attachment"("caseId", "sha256");

CREATE TABLE "AuditEvent" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "actorId" TEXT,
  "action" TEXT NOT NULL,
  "entityType" TEXT NOT NULL,
  "entityId" TEXT,
  "ip" TEXT,
  "details" TEXT
);
CREATE INDEX "AuditEvent_entityType_entityId_idx" ON "AuditEvent"("entityType", "entityId");
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
