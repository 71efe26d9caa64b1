-- teledx 0015: short exam numbers and the requisition (检查申请单).
-- Every organization gets a short exam code (2–4 of A–Z, 0–9), the first part of its new exam numbers
-- (<exam code>-<YYYYMMDD>-<sequence>, at most 16 characters: DICOM SH). The demo consortium's organizations get
-- their towns' initials; any other organization a two-character code led by a digit (10, 11, … 1Z, 20, …), which no
-- initials collide with, for an administrator to change. Numbers already issued stay as they are, and the counters
-- go on where they were.
ALTER TABLE "Organization" ADD COLUMN "examCode" TEXT;
UPDATE "Organization" SET "examCode" = CASE "code"
  WHEN 'COUNTY' THEN 'XY' WHEN 'T-CHENGGUAN' THEN 'CG' WHEN 'T-SHIQIAO' THEN 'SQ' WHEN 'T-HEKOU' THEN 'HK'
  WHEN 'V-DONGSHAN' THEN 'DS' END;
UPDATE "Organization" SET "examCode" = n."examCode"
FROM (
  SELECT "id",
    substr('123456789', 1 + ("rank" / 36) % 9, 1) || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1 + "rank" % 36, 1) AS "examCode"
  FROM (SELECT "id", row_number() OVER (ORDER BY "createdAt", "id") - 1 AS "rank" FROM "Organization" WHERE "examCode" IS NULL)
) n
WHERE n."id" = "Organization"."id";
CREATE UNIQUE INDEX "Organization_examCode_key" ON "Organization"("examCode");

ALTER TABLE "Case" ADD COLUMN "visitKind" TEXT;
ALTER TABLE "Case" ADD COLUMN "visitNumber" TEXT;
ALTER TABLE "Case" ADD COLUMN "requestingDepartment" TEXT;
ALTER TABLE "Case" ADD COLUMN "requestingDoctor" TEXT;
ALTER TABLE "Case" ADD COLUMN "clinicalHistory" TEXT;
ALTER TABLE "Case" ADD COLUMN "laterality" TEXT;

CREATE INDEX "Patient_organizationId_name_idx" ON "Patient"("organizationId", "name");
