-- teledx 0010: an Accession Number (检查号) on every case, and the registered DICOM devices (modalities).
-- The number is <organization code>-<YYYYMMDD, China time>-<sequence of that organization on that day>, counted in
-- AccessionCounter within the case's own transaction. Existing cases are numbered by creation time.

CREATE TABLE "DicomDevice" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "aeTitle" TEXT NOT NULL,
  "host" TEXT,
  "organizationId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "userId" TEXT NOT NULL REFERENCES "User"("id"),
  "description" TEXT,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "DicomDevice_aeTitle_key" ON "DicomDevice"("aeTitle");
CREATE UNIQUE INDEX "DicomDevice_userId_key" ON "DicomDevice"("userId");

CREATE TABLE "AccessionCounter" (
  "organizationId" TEXT NOT NULL REFERENCES "Organization"("id"),
  "day" TEXT NOT NULL,
  "value" INTEGER NOT NULL,
  PRIMARY KEY ("organizationId", "day")
);

ALTER TABLE "Case" ADD COLUMN "accessionNumber" TEXT;
ALTER TABLE "Case" ADD COLUMN "deviceId" TEXT REFERENCES "DicomDevice"("id");

CREATE TEMP TABLE "_case_day" AS
SELECT c."id", c."originOrgId", o."code", to_char(c."createdAt" + interval '8 hours', 'YYYYMMDD') AS "day", c."createdAt"
FROM "Case" c JOIN "Organization" o ON o."id" = c."originOrgId";

UPDATE "Case" SET "accessionNumber" = n."acc"
FROM (
  SELECT "id", "code" || '-' || "day" || '-' || lpad((row_number() OVER (PARTITION BY "originOrgId", "day" ORDER BY "createdAt", "id"))::text, 4, '0') AS "acc"
  FROM "_case_day"
) n
WHERE n."id" = "Case"."id";

INSERT INTO "AccessionCounter" ("organizationId", "day", "value")
SELECT "originOrgId", "day", count(*) FROM "_case_day" GROUP BY "originOrgId", "day";
DROP TABLE "_case_day";

ALTER TABLE "Case" ALTER COLUMN "accessionNumber" SET NOT NULL;
CREATE UNIQUE INDEX "Case_accessionNumber_key" ON "Case"("accessionNumber");
