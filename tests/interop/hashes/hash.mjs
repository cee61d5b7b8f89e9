// Prints {"bcrypt": "...", "bcrypt2y": "...", "argon2id": "..."} for the password in the input file's "password".
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { argon2id } from 'hash-wasm';

const { password } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const hash = bcrypt.hashSync(password, 8);
const argon = await argon2id({
  password, salt: randomBytes(16), parallelism: 1, iterations: 2, memorySize: 4096, hashLength: 32, outputType: 'encoded',
});
// PHP writes $2y$ for the same algorithm; bcryptjs writes $2b$.
console.log(JSON.stringify({ bcrypt: hash, bcrypt2y: hash.replace(/^\$2b\$/, '$2y$'), argon2id: argon }));
