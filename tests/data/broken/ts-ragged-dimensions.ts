# expect: 6:7 dimension 2 has 2 values, dimension 1 has 3; expected the same length in every dimension of a series
@problemName Broken
@dimensions 2
@classLabel true a b
@data
1,2,3:4,5:a
