// Validates data with rdf-validate-shacl, a second SHACL engine, and writes each SHACL report.
// Usage: node validate.mjs MANIFEST.json, where the manifest is a list of
// {"shapes": FILE, "data": FILE, "report": FILE}; the files are N-Triples.
import fs from 'node:fs'
import { Parser, Writer } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'

function read (file) {
  return new Parser({ format: 'N-Triples' }).parse(fs.readFileSync(file, 'utf8'))
}

function write (file, quads) {
  return new Promise((resolve, reject) => {
    const writer = new Writer({ format: 'N-Triples' })
    writer.addQuads(quads)
    writer.end((error, text) => (error ? reject(error) : resolve(fs.writeFileSync(file, text))))
  })
}

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const validators = new Map() // one per shapes file: each validation starts a new report
for (const { shapes, data, report } of cases) {
  if (!validators.has(shapes)) validators.set(shapes, new SHACLValidator(read(shapes)))
  const validator = validators.get(shapes)
  const result = await validator.validate(validator.factory.dataset(read(data)))
  // The engine keeps an error it met half-way instead of raising it: a partial report must not pass.
  if (validator.validationEngine.validationError) throw validator.validationEngine.validationError
  await write(report, [...result.dataset])
}
