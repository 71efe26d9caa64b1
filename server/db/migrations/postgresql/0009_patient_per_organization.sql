-- teledx 0009: a patient record per township. One record per resident ID number across the consortium let a
-- township overwrite what another had typed (the phone) and told it whether a number was registered elsewhere.
-- The cases a township registered on another township's record get a copy of that record of their own.
DROP INDEX "Patient_nationalId_key";
INSERT INTO "Patient" ("id", "name", "sex", "birthDate", "nationalId", "phone", "organizationId", "createdAt")
SELECT DISTINCT p."id" || '_' || c."originOrgId", p."name", p."sex", p."birthDate", p."nationalId", p."phone", c."originOrgId", p."createdAt"
FROM "Case" c JOIN "Patient" p ON p."id" = c."patientId"
WHERE c."originOrgId" <> p."organizationId";
UPDATE "Case" SET "patientId" = "patientId" || '_' || "originOrgId"
WHERE "originOrgId" <> (SELECT p."organizationId" FROM "Patient" p WHERE p."id" = "Case"."patientId");
CREATE UNIQUE INDEX "Patient_organizationId_nationalId_key" ON "Patient"("organizationId", "nationalId");
CREATE INDEX "Patient_nationalId_idx" ON "Patient"("nationalId");
