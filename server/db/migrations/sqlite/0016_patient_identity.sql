-- teledx 0016: the patient identity check. Each instance keeps the patient its own header names (a study's files
-- may disagree), and the technician's confirmation that a disagreeing file is the registered patient's after all.
-- Instances stored before this take their study's demographics (the first file's, as ingest recorded them).

ALTER TABLE "Instance" ADD COLUMN "dicomPatientName" TEXT;
ALTER TABLE "Instance" ADD COLUMN "dicomPatientId" TEXT;
ALTER TABLE "Instance" ADD COLUMN "dicomPatientSex" TEXT;
ALTER TABLE "Instance" ADD COLUMN "dicomBirthDate" TEXT;
ALTER TABLE "Instance" ADD COLUMN "identityConfirmedAt" DATETIME;
ALTER TABLE "Instance" ADD COLUMN "identityConfirmedById" TEXT;
ALTER TABLE "Instance" ADD COLUMN "identityConfirmReason" TEXT;

UPDATE "Instance" SET
  "dicomPatientName" = (SELECT st."dicomPatientName" FROM "Series" se JOIN "Study" st ON st."id" = se."studyId" WHERE se."id" = "Instance"."seriesId"),
  "dicomPatientId" = (SELECT st."dicomPatientId" FROM "Series" se JOIN "Study" st ON st."id" = se."studyId" WHERE se."id" = "Instance"."seriesId"),
  "dicomPatientSex" = (SELECT st."dicomPatientSex" FROM "Series" se JOIN "Study" st ON st."id" = se."studyId" WHERE se."id" = "Instance"."seriesId"),
  "dicomBirthDate" = (SELECT st."dicomBirthDate" FROM "Series" se JOIN "Study" st ON st."id" = se."studyId" WHERE se."id" = "Instance"."seriesId");
