-- teledx 0017: two-level reporting (书写 → 审核: which exam kinds of a centre need a second reader; the writer,
-- the first submission for review and the reviewer's note on the case), and readers' personal report templates.

ALTER TABLE "ReadingCentre" ADD COLUMN "reviewExamKinds" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Case" ADD COLUMN "writtenById" TEXT REFERENCES "User"("id");
ALTER TABLE "Case" ADD COLUMN "writtenAt" TIMESTAMP(3);
ALTER TABLE "Case" ADD COLUMN "reviewNote" TEXT;

CREATE TABLE "PersonalTemplate" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "ownerId" TEXT NOT NULL REFERENCES "User"("id"),
  "title" TEXT NOT NULL,
  "examKind" TEXT,
  "bodyRegion" TEXT,
  "findings" TEXT NOT NULL,
  "impression" TEXT NOT NULL,
  "phrases" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE INDEX "PersonalTemplate_ownerId_idx" ON "PersonalTemplate"("ownerId");
