-- teledx 0020: cooperation agreements (远程医疗合作协议), the local price schedule, the fee ledger in integer fen
-- (分) and the monthly settlement (结算) per pair of institutions (server/billing/). A consultation records whether
-- the township named its specialist (a named-specialist consultation is billed as such).

ALTER TABLE "Consultation" ADD COLUMN "specialistNamed" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "PriceScheduleItem" (
  "service" TEXT NOT NULL PRIMARY KEY,
  "priceFen" INTEGER NOT NULL,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  "updatedById" TEXT REFERENCES "User"("id")
);

CREATE TABLE "Agreement" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "title" TEXT NOT NULL,
  "invitingOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "invitedOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "validFrom" TEXT NOT NULL,
  "validTo" TEXT,
  "createdById" TEXT REFERENCES "User"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "Agreement_invitingOrgId_invitedOrgId_validFrom_idx" ON "Agreement"("invitingOrgId", "invitedOrgId", "validFrom");

CREATE TABLE "AgreementService" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "agreementId" TEXT NOT NULL REFERENCES "Agreement"("id"),
  "service" TEXT NOT NULL,
  "priceFen" INTEGER NOT NULL,
  "splitKind" TEXT NOT NULL,
  "splitValue" INTEGER NOT NULL
);
CREATE UNIQUE INDEX "AgreementService_agreementId_service_key" ON "AgreementService"("agreementId", "service");

CREATE TABLE "FeeEntry" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "kind" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "sourceId" TEXT NOT NULL,
  "chargeKey" TEXT,
  "caseId" TEXT REFERENCES "Case"("id"),
  "consultationId" TEXT REFERENCES "Consultation"("id"),
  "reportVersion" INTEGER,
  "service" TEXT NOT NULL,
  "agreementId" TEXT REFERENCES "Agreement"("id"),
  "flag" TEXT,
  "invitingOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "invitedOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "month" TEXT NOT NULL,
  "serviceAt" TIMESTAMP(3) NOT NULL,
  "priceFen" INTEGER NOT NULL,
  "invitingShareFen" INTEGER NOT NULL,
  "invitedShareFen" INTEGER NOT NULL,
  "correctsId" TEXT REFERENCES "FeeEntry"("id"),
  "reason" TEXT,
  "createdById" TEXT REFERENCES "User"("id"),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CHECK ("invitingShareFen" + "invitedShareFen" = "priceFen" OR "flag" IS NOT NULL)
);
CREATE UNIQUE INDEX "FeeEntry_chargeKey_key" ON "FeeEntry"("chargeKey");
CREATE INDEX "FeeEntry_invitingOrgId_invitedOrgId_month_idx" ON "FeeEntry"("invitingOrgId", "invitedOrgId", "month");
CREATE INDEX "FeeEntry_month_idx" ON "FeeEntry"("month");
CREATE INDEX "FeeEntry_source_sourceId_idx" ON "FeeEntry"("source", "sourceId");

CREATE TABLE "Settlement" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "invitingOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "invitedOrgId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "month" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'OPEN',
  "entryCount" INTEGER NOT NULL DEFAULT 0,
  "reviewedEntryCount" INTEGER,
  "reviewedById" TEXT REFERENCES "User"("id"),
  "reviewedAt" TIMESTAMP(3),
  "lockedById" TEXT REFERENCES "User"("id"),
  "lockedAt" TIMESTAMP(3)
);
CREATE UNIQUE INDEX "Settlement_invitingOrgId_invitedOrgId_month_key" ON "Settlement"("invitingOrgId", "invitedOrgId", "month");
CREATE INDEX "Settlement_month_idx" ON "Settlement"("month");
