-- teledx 0012: a registered DICOM device's own port, where storage commitment reports (N-EVENT-REPORT) go.
ALTER TABLE "DicomDevice" ADD COLUMN "port" INTEGER;
