package pgledger

// ChargesQuery lets the tests look at the plan of the charges query.
const ChargesQuery = chargesQuery
