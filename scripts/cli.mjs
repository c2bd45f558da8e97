#!/usr/bin/env node
// Entry of `npx influence-graph`: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
