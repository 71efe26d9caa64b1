-- teledx 0013: API tokens for integrations (a PACS, a script), each acting as a user or as a service account of
-- an organization; and the mark of a case opened by images stored over DICOMweb (STOW-RS).

CREATE TABLE "ApiToken" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "tokenHash" TEXT NOT NULL,
  "prefix" TEXT NOT NULL,
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "organizationId" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expiresAt" TIMESTAMP(3) NOT NULL,
  "lastUsedAt" TIMESTAMP(3),
  "revokedAt" TIMESTAMP(3)
);
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

ALTER TABLE "Case" ADD COLUMN "arrivedVia" TEXT;
-- cases opened by a device before this migration arrived over DIMSE
UPDATE "Case" SET "arrivedVia" = 'DIMSE' WHERE "deviceId" IS NOT NULL;
