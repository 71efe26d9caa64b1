// Types for scripts/system-packages.mjs (plain JavaScript: npm runs it before anything is compiled), for its tests.

export interface DebianPackage {
  debian: string;
  command?: string;
  pkgConfig?: string;
  path?: string;
  provided?: string;
}

export interface PackageSet {
  purpose: string;
  packages: DebianPackage[];
}

export interface System {
  uid: number;
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  run(command: string, args: string[], options?: { show?: boolean }): number;
  log(message: string): void;
}

export interface Outcome {
  missing: string[];
  installed: string[];
  command?: string;
}

export const PACKAGE_SETS: Record<'media' | 'print' | 'tests', PackageSet>;
export const realSystem: System;
export function missingPackages(set: PackageSet, system?: System): string[];
export function ensurePackages(set: PackageSet, system?: System): Outcome;
export function ensureSets(names: string[], options: { required: boolean }, system?: System): number;
