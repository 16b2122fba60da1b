# Turns a data file into a C source defining `const data_blob nashra_data_<NAME>`.
# Run as: cmake -DIN=file -DOUT=file.c -DNAME=name -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp"
"/* Generated from ${IN}; do not edit. */\n"
"#include \"common/data.h\"\n"
"static const unsigned char bytes[${len} + 1] = {\n${bytes}0x00};\n"
"const data_blob nashra_data_${NAME} = {bytes, ${len}};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
