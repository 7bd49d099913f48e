// The contend binary: the built-in catalogue, nothing added. main() is in
// the contend_main library (app/main.cpp), which a user's executable links
// as well, with the user's own primitives registered beside these.
