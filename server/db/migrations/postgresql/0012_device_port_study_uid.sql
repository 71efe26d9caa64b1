-- teledx 0012: a registered DICOM device's own port, where storage commitment reports (N-EVENT-REPORT) go; and
-- Study by its Study Instance UID alone, which every C-STORE looks up to land an image in the case already holding
-- its study (the unique (caseId, studyInstanceUid) index cannot serve it: without this, a scan of every study).
ALTER TABLE "DicomDevice" ADD COLUMN "port" INTEGER;
CREATE INDEX "Study_studyInstanceUid_idx" ON "Study"("studyInstanceUid");
