import ObjectStore
print(SHA256Digest.of("").hex)
