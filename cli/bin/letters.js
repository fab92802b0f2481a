#!/usr/bin/env node
// The `letters` command. A JavaScript file in the repository, so npm links it at install time in a fresh
// checkout too, before the build (the root `prepare`) has written dist/.
import '../dist/main.js';
